/**
 * Where plans live under CAIRN_HOME: `config.json` (plans; no secrets), `state/plans.json`
 * (the scheduler's memory), `activity/` (each run and its log), `logs/plans.log` (the plan
 * host's log, in `cairn serve` and the desktop app alike).
 */
import path from 'node:path';
import { cairnHome } from '../engine/service.js';
import { ActivityLog } from './activity-log.js';
import { configFile } from './config-store.js';
import { PlanStateStore, stateFile } from './plan-state.js';

export interface PlanFiles {
  home: string;
  config: string;
  state: PlanStateStore;
  activity: ActivityLog;
  logs: string;
}

export function planFiles(home = cairnHome()): PlanFiles {
  return {
    home,
    config: configFile(home),
    state: new PlanStateStore(stateFile(home)),
    activity: ActivityLog.under(home),
    logs: path.join(home, 'logs'),
  };
}
