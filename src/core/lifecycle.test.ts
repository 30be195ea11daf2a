/**
 * Every (from, to) pair of each lifecycle against contract §5. The expected moves are written out
 * here from the contract's text, independently of lifecycle.ts's tables.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  canMoveDeployment,
  canMovePhase,
  canMoveRelease,
  DEPLOYMENT_MOVES,
  isTerminalDeployment,
  isTerminalPhase,
  isTerminalRelease,
  PHASE_MOVES,
  RELEASE_MOVES,
} from './lifecycle.ts';
import { DEPLOYMENT_STATUSES, PHASE_STATUSES, RELEASE_STATUSES } from './types.ts';

interface Lifecycle<S extends string> {
  name: string;
  /** The states the contract names, in its order. */
  states: readonly S[];
  /** `from → to`, as the contract lists them. */
  legal: readonly `${S} → ${S}`[];
  terminal: readonly S[];
  /** The module under test. */
  module: {
    states: readonly S[];
    moves: Readonly<Record<S, readonly S[]>>;
    canMove: (from: S, to: S) => boolean;
    isTerminal: (status: S) => boolean;
  };
}

// Pending → Scanning → Scanned → InProgress → Completed | Failed | Cancelled.
// Cancel (user or API) cancels the deployment "at once", from any state that has not ended
// (including while scanning, which skips every phase).
describeLifecycle({
  name: 'deployment',
  states: ['Pending', 'Scanning', 'Scanned', 'InProgress', 'Completed', 'Failed', 'Cancelled'],
  legal: [
    'Pending → Scanning',
    'Scanning → Scanned',
    'Scanned → InProgress',
    'InProgress → Completed',
    'InProgress → Failed',
    'InProgress → Cancelled',
    'Pending → Cancelled',
    'Scanning → Cancelled',
    'Scanned → Cancelled',
  ],
  terminal: ['Completed', 'Failed', 'Cancelled'],
  module: { states: DEPLOYMENT_STATUSES, moves: DEPLOYMENT_MOVES, canMove: canMoveDeployment, isTerminal: isTerminalDeployment },
});

// Pending → Checking → (AwaitingPrerequisites → Checking) → Deploying → Completed | Failed | Cancelled, or Skipped.
// A failed check cancels the phase (from Checking); a rejection, a change-case timeout or an ended
// deploy window cancels it (from AwaitingPrerequisites); a user's cancel cancels the running phase
// wherever it is. Skipped: a phase that never started.
describeLifecycle({
  name: 'phase',
  states: ['Pending', 'Checking', 'AwaitingPrerequisites', 'Deploying', 'Completed', 'Failed', 'Cancelled', 'Skipped'],
  legal: [
    'Pending → Checking',
    'Pending → Skipped',
    'Checking → AwaitingPrerequisites',
    'AwaitingPrerequisites → Checking',
    'Checking → Deploying',
    'Deploying → Completed',
    'Deploying → Failed',
    'Deploying → Cancelled',
    'Checking → Cancelled',
    'AwaitingPrerequisites → Cancelled',
  ],
  terminal: ['Completed', 'Failed', 'Cancelled', 'Skipped'],
  module: { states: PHASE_STATUSES, moves: PHASE_MOVES, canMove: canMovePhase, isTerminal: isTerminalPhase },
});

// Pending → Deploying → Succeeded | Failed | Cancelled, or Skipped (not yet started when its phase
// ended). An in-flight release told to stop records its real end.
describeLifecycle({
  name: 'release',
  states: ['Pending', 'Deploying', 'Succeeded', 'Failed', 'Cancelled', 'Skipped'],
  legal: ['Pending → Deploying', 'Deploying → Succeeded', 'Deploying → Failed', 'Deploying → Cancelled', 'Pending → Skipped'],
  terminal: ['Succeeded', 'Failed', 'Cancelled', 'Skipped'],
  module: { states: RELEASE_STATUSES, moves: RELEASE_MOVES, canMove: canMoveRelease, isTerminal: isTerminalRelease },
});

function describeLifecycle<S extends string>(lifecycle: Lifecycle<S>): void {
  describe(`${lifecycle.name} lifecycle`, () => {
    const legal = new Set<string>(lifecycle.legal);

    test('has exactly the contract’s states', () => {
      assert.deepEqual([...lifecycle.module.states].sort(), [...lifecycle.states].sort());
      assert.deepEqual(Object.keys(lifecycle.module.moves).sort(), [...lifecycle.states].sort());
    });

    for (const from of lifecycle.states) {
      for (const to of lifecycle.states) {
        const move = `${from} → ${to}`;
        const expected = legal.has(move);
        test(`${move} is ${expected ? 'legal' : 'illegal'}`, () => {
          assert.equal(lifecycle.module.canMove(from, to), expected);
        });
      }
    }

    for (const state of lifecycle.states) {
      const terminal = lifecycle.terminal.includes(state);
      test(`${state} is ${terminal ? 'terminal: no moves out' : 'not terminal: has a move out'}`, () => {
        assert.equal(lifecycle.module.isTerminal(state), terminal);
        if (terminal) assert.deepEqual(lifecycle.module.moves[state], []);
        else assert.ok(lifecycle.module.moves[state].length > 0);
      });
    }

    test('every state is reachable from Pending, and every state can reach a terminal state', () => {
      const reachable = closure(['Pending'], lifecycle.legal);
      for (const state of lifecycle.states) assert.ok(reachable.has(state), `${state} is unreachable`);
      for (const state of lifecycle.states) {
        const ends = closure([state], lifecycle.legal);
        assert.ok(lifecycle.terminal.some((t) => ends.has(t)), `${state} can never end`);
      }
    });
  });
}

function closure(start: string[], moves: readonly string[]): Set<string> {
  const seen = new Set(start);
  const queue = [...start];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const move of moves) {
      const [from, to] = move.split(' → ');
      if (from === state && !seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}
