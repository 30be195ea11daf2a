/** The embedded executor: runs each release in this process, concurrently, through the driver. */
import type { ReleaseDriver } from '../release/port.ts';
import type { ReleaseExecutor } from './port.ts';

export function createEmbeddedExecutor(deps: { driver: ReleaseDriver }): ReleaseExecutor {
  return {
    mode: 'release',
    name: 'embedded',
    run: (request, signal) => deps.driver.release(request, signal),
  };
}
