/**
 * A process that changes one attachment field over and over through the AdminService, for the
 * cross-process lost-update test. Arguments: endpoint table supplierId campaignId field rounds
 * startAt (epoch ms: both processes begin together). Field: `lead-cap`, `ping-cap` or `pause`
 * (round i sets the cap to i, or the pause on odd rounds). Only this process writes its field,
 * so before each round the field must still hold what this process last wrote: each time it
 * does not, another writer's stale write-back lost this one's change. Prints `done lost=N`.
 */
import { writeRounds } from './admin-writes';
import { adminService, localDocumentClient } from '../../local/local-admin';

async function main(): Promise<void> {
  const [endpoint, tableName, supplierId, campaignId, field, roundsText, startAtText] = process.argv.slice(2);
  const db = localDocumentClient(endpoint);
  const admin = adminService(db, tableName);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtText) - Date.now())));
  const lost = await writeRounds(admin, supplierId, campaignId, field as 'lead-cap' | 'ping-cap' | 'pause', Number(roundsText));
  db.destroy();
  process.stdout.write(`done lost=${lost}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exit(1);
});
