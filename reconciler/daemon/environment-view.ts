// An environment as GET /api/environments shows it.
import { SyncReport } from './sync-watch';
import { DriftFinding } from './drift';

export interface EnvironmentView {
  name: string;
  live?: { commit: string | null; revision: number; subject?: string; servedAt: string; worktree: boolean };
  reconciling?: { revision: string; stage: string };
  queued: boolean;
  last?: { revision: string; commit: string; result: string; finishedAt: string; description: string; sync?: SyncReport };
  proxies: { connected: number; synced: number; nacked: number; pending: number };
  drift: { state: string; findings: DriftFinding[]; checkedAt?: string };
}
