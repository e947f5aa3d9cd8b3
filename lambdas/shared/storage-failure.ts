/**
 * Failures of the storage itself, raised by the submission store and the retry helper. They
 * say what happened to the data, not how to answer: the HTTP layer's error mapper turns them
 * into its `service_unavailable` answers.
 */
export abstract class StorageFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Storage is unavailable or too contended, and nothing was written: a retry is safe. */
export class StorageUnavailableError extends StorageFailure {
  constructor() {
    super('Storage is unavailable; nothing was written.');
  }
}

/** Storage failed after a write was sent: the write may have been committed. */
export class StorageOutcomeUnknownError extends StorageFailure {
  constructor() {
    super('Storage failed after the write was sent; it may have been committed.');
  }
}
