import {useEffect, useState} from 'react';
import type {Clock} from '../shared/clock.js';
import type {Link} from '../session/state.js';

/**
The time the status bar counts the reconnect down from: a fresh clock when the countdown starts,
then a new one each time the whole seconds left change, so that it says what the row said and
reaches 0 when the attempt starts.
*/
export function useReconnectCountdown({state, reconnectAt}: Pick<Link, 'state' | 'reconnectAt'>, clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>, now: () => number): number {
	const [tick, setTick] = useState(now);
	useEffect(() => {
		if (state === 'reconnecting') {
			setTick(now());
		}
	}, [state, reconnectAt, now]);
	useEffect(() => {
		if (state !== 'reconnecting' || reconnectAt === undefined || reconnectAt <= tick) {
			return;
		}

		const timer = clock.setTimeout(() => {
			setTick(now());
		}, ((reconnectAt - tick) % 1000 || 1000) + 1);
		return () => {
			clock.clearTimeout(timer);
		};
	}, [state, reconnectAt, tick, clock, now]);
	return tick;
}
