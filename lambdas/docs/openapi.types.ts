import type { NamedExample } from './api-examples';
import type { JsonSchema } from './json-schema';

/** The shapes of the OpenAPI 3.1 document this API serves. */
export type OpenApiDocument = JsonSchema & {
  openapi: string;
  info: { title: string; version: string; summary?: string; description: string; license?: JsonSchema };
  servers: { url: string; description?: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema>; [key: string]: unknown };
};
export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: unknown[];
  parameters?: JsonSchema[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema; examples?: Record<string, NamedExample> }> };
  responses: Record<string, ResponseObject>;
  [key: string]: unknown;
}
export interface ResponseObject {
  description: string;
  headers?: Record<string, JsonSchema>;
  content: Record<string, { schema: JsonSchema; examples?: Record<string, NamedExample> }>;
}
