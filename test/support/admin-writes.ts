import type { AdminService } from '../../admin/admin.service';

export type WrittenField = 'lead-cap' | 'ping-cap' | 'pause';

/**
 * Writes one attachment field `rounds` times (round i: cap i, or paused on odd rounds) and
 * counts the rounds that found the field no longer holding this writer's previous value. Only
 * this writer changes its field, so every such round is a change another writer lost.
 */
export async function writeRounds(admin: AdminService, supplierId: string, campaignId: string, field: WrittenField, rounds: number): Promise<number> {
  let lost = 0;
  let last: number | boolean | undefined;
  for (let round = 1; round <= rounds; round += 1) {
    const { attachment } = await admin.caps(supplierId, campaignId);
    const current = field === 'lead-cap' ? attachment.leadCap : field === 'ping-cap' ? attachment.pingCap : attachment.paused;
    if (round > 1 && current !== last) lost += 1;
    if (field === 'lead-cap') {
      last = round;
      await admin.attach(supplierId, campaignId, { leadCap: round });
    } else if (field === 'ping-cap') {
      last = round;
      await admin.attach(supplierId, campaignId, { pingCap: round });
    } else {
      last = round % 2 === 1;
      await admin.setPaused(supplierId, campaignId, last);
    }
  }
  return lost;
}
