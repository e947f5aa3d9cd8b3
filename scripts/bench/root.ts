import { join } from 'node:path';

/** The project's root directory. */
export const ROOT = join(__dirname, '..', '..');
