/** A supplier, and its attachment to each campaign it may send into. */
export interface Supplier {
  readonly supplierId: string;
  readonly name: string;
  readonly status: 'active' | 'deleted';
  /** Paused for every campaign (manual). */
  readonly paused: boolean;
  /** Every lead of this supplier is a test lead. */
  readonly testMode: boolean;
  readonly createdAt: string;
}

export const CAP_WINDOWS = ['day', 'week', 'month', 'total'] as const;
export type CapWindow = (typeof CAP_WINDOWS)[number];

export interface Attachment {
  readonly supplierId: string;
  readonly campaignId: string;
  /** Paused for this campaign (manual). */
  readonly paused: boolean;
  /** Accepted live leads per window; undefined means no cap. */
  readonly leadCap?: number;
  /** Accepted live pings per window; undefined means no cap. */
  readonly pingCap?: number;
  readonly capWindow: CapWindow;
  readonly attachedAt: string;
}

/** How many were counted in which window. */
export interface CounterState {
  readonly window: string;
  readonly used: number;
}
