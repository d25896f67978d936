// How engine code sends a protocol event: checked against the event's descriptor.
import type { DataOf, EventDescriptor } from '../protocol/engine';

export type Emit = <E extends EventDescriptor>(event: E, data: DataOf<E>) => void;
