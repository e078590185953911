/*
The --reconnect schedule of one connection: the policy's state (attempts in a row that failed)
and the timer of the next attempt, on the connection's clock. The decisions are reconnect-policy's.
*/
import type {Clock} from '../shared/clock.js';
import {freshReconnectState, planReconnect, type ReconnectPlan, type ReconnectRules, type ReconnectState} from './reconnect-policy.js';

export class ReconnectSchedule {
	private state: ReconnectState = freshReconnectState;
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly rules: ReconnectRules,
		private readonly clock: Clock,
	) {}

	/** Reconnect attempts made since the last connection that lived. */
	get retries(): number {
		return this.state.retries;
	}

	/** What to do after an end: `lived` is how long the connection was open (undefined: it never opened). Undefined: give up. */
	plan(lived: number | undefined): ReconnectPlan | undefined {
		return planReconnect(this.state, lived, this.rules);
	}

	/** Follows the plan: `attempt` runs once its delay has passed. */
	start(plan: ReconnectPlan, attempt: () => void): void {
		this.state = plan.state;
		this.timer = this.clock.setTimeout(() => {
			this.timer = undefined;
			attempt();
		}, plan.delay);
	}

	/** The planned attempt is off. */
	cancel(): void {
		if (this.timer !== undefined) {
			this.clock.clearTimeout(this.timer);
			this.timer = undefined;
		}
	}

	/** A reconnect was asked for: the backoff starts over. */
	reset(): void {
		this.state = freshReconnectState;
	}
}
