// Moved to time/clock.ts, which the sandbox may import; this re-export goes once no branch imports it.
import { SystemClock } from '../../time/clock.ts';

export type { Clock as SandboxClock, TimerHandle as SandboxTimer } from '../../time/clock.ts';
export const systemClock = new SystemClock();
