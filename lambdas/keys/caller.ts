import type { Scope } from './api-key';

/** Who is calling: the supplier and key the authorizer resolved from the `x-api-key`. */
export interface Caller {
  readonly supplierId: string;
  readonly keyId: string;
  readonly scope: Scope;
}
