/** The embedded executor: runs each release in this process, concurrently, through the driver. */
import type { ReleaseDriver } from '../release/port.ts';
import type { Executor } from './port.ts';

export function createEmbeddedExecutor(deps: { driver: ReleaseDriver }): Executor {
  return {
    name: 'embedded',
    run: (request, signal) => deps.driver.release(request, signal),
  };
}
