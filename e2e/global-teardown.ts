import { stopAll } from './support/stack';

export default async function globalTeardown(): Promise<void> {
  await stopAll();
}
