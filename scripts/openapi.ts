import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../lambdas/docs/openapi.document';

/** `npm run openapi`: writes the generated OpenAPI document to docs/openapi.json (committed). */
export const OPENAPI_FILE = join(__dirname, '..', 'docs', 'openapi.json');

export function openApiFileText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(OPENAPI_FILE, openApiFileText());
  process.stdout.write(`Wrote ${OPENAPI_FILE}\n`);
}
