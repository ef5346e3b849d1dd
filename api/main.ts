import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app';
import { loadApiEnv } from './env';

async function main(): Promise<void> {
  const env = loadApiEnv();
  const app = await createApp(env);
  await app.listen(env.API_PORT, env.API_HOST);
  const base = `http://${env.API_HOST}:${env.API_PORT}`;
  new Logger('anvil').log(`API on ${base}  docs ${base}/docs  Temporal UI ${env.TEMPORAL_UI_URL}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
