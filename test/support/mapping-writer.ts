// Writes mapping overrides in a loop until killed, printing "ack N" once write N is acknowledged; the kill -9 test
// (test/integration/mapping-crash.test.ts) runs it. Usage: node --import tsx/esm mapping-writer.ts <dataDir>
import { createMappingStore } from '../../server/mapping/mapping-store.js';

const store = await createMappingStore({ dataDir: process.argv[2] ?? './data' });
process.stdout.write(`ready ${store.status().orphansRemoved}\n`);
for (let i = 1; i < 1_000_000; i++) {
  await store.set('Simulated Dyno', { MAP: { display_name: `write ${i}` }, TPS: { hidden: i % 2 === 0 } });
  process.stdout.write(`ack ${i}\n`);
}
