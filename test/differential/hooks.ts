/**
 * mocha root hook plugin (loaded with `--require`, see .mocharc.*.json): closes the run's shared
 * clusters once every test file has run, so the process can exit (a listening test server keeps it
 * alive) and the real cluster stops in order. Without it the watchdog would still clean up the real one.
 */
import { closeSharedClusters } from './backends';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await closeSharedClusters();
  },
};
