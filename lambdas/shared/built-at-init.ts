/**
 * What a function builds from its environment (its configuration and clients). On Lambda
 * (where the runtime sets AWS_LAMBDA_FUNCTION_NAME) it is built when the module loads, in the
 * function's init phase: a missing setting the function needs fails its start, and Lambda
 * reports the init error, instead of answering 500 to the first request that needs it.
 * Imported anywhere else (the local runtime and the tests build their own), nothing is read
 * until the first call.
 */
export function builtAtInit<T>(build: () => T): () => T {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) {
    const value = build();
    return () => value;
  }
  let value: T | undefined;
  return () => (value ??= build());
}
