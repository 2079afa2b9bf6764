import type { ScenarioContext } from './harness.js';

export interface Scenario {
  /** stable id used by --scenarios and as the JSON row key */
  id: string;
  /** the row title in matrix.md */
  title: string;
  /** what passing means (README) */
  checks: string;
  timeoutMs: number;
  run(ctx: ScenarioContext): Promise<void>;
}
