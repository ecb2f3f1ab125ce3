import type { NodeCommand, NodeCommandAck } from '@ruong/shared';

/** Drives one kind of valve hardware: sends a command and resolves with the valve's own confirmation. */
export interface ValveDriver {
  send(node: string, command: NodeCommand): Promise<NodeCommandAck>;
}
