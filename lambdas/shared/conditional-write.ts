import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * The one reading of DynamoDB's answers to a write whose condition did not hold. With
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` the answer carries the item that stood in the
 * way, in DynamoDB's wire format (the document client does not unmarshall it): it is returned
 * here as a plain object. Such an item can hold a lead's personal data: callers compare it,
 * never log it.
 */
export interface FailedCondition {
  /** The item as it was when the condition failed; undefined when it did not exist. */
  readonly item?: Record<string, unknown>;
}

/** One entry of a cancelled transaction's reasons, in the order of its items. */
export interface CancellationReason {
  /** `None`, `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`, ... */
  readonly code: string;
  readonly item?: Record<string, unknown>;
}

/** The failed condition of a single-item write, or undefined for any other error. */
export function failedCondition(error: unknown): FailedCondition | undefined {
  if (!isNamed(error, 'ConditionalCheckFailedException')) return undefined;
  return { item: plain((error as { Item?: Record<string, AttributeValue> }).Item) };
}

/** The reasons of a cancelled transaction, or undefined for any other error. */
export function cancellationReasons(error: unknown): readonly CancellationReason[] | undefined {
  if (!isNamed(error, 'TransactionCanceledException')) return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => ({ code: reason.Code ?? 'None', item: plain(reason.Item) }));
}

/** True when a write was refused by its condition (and nothing else went wrong). */
export function isConditionFailure(error: unknown): boolean {
  return failedCondition(error) !== undefined;
}

function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

function plain(item: Record<string, AttributeValue> | undefined): Record<string, unknown> | undefined {
  return item && Object.keys(item).length > 0 ? unmarshall(item) : undefined;
}
