/** `npm run service -- <name>`: starts one service in this process. */
const SERVICE_NAMES = ['user-service', 'question-service', 'matching-service', 'collaboration-service'] as const;

const name = process.argv[2];
if (!SERVICE_NAMES.includes(name as (typeof SERVICE_NAMES)[number])) {
  console.error(`usage: npm run service -- <${SERVICE_NAMES.join(' | ')}>${name ? ` (got "${name}")` : ''}`);
  process.exit(2);
}
await import(`./${name}/main.js`);
