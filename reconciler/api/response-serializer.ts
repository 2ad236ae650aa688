// Writes an operation's output as App Mesh did (restJson1): the `payload` member alone as the
// body when the output shape names one (DescribeVirtualNode answers the VirtualNodeData itself),
// else the body members; only members the model declares; timestamps as epoch seconds.
import { Operation, Shape, shapeOf } from './api-model';

export function serializeOutput(operation: Operation, output: Record<string, unknown>): unknown {
  if (!operation.output) return {};
  const shape = shapeOf(operation.output.shape);
  if (shape.payload) return serializeValue(shapeOf(shape.members![shape.payload].shape), output[shape.payload]) ?? {};
  return serializeValue(shape, output) ?? {};
}

export function serializeValue(shape: Shape, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  switch (shape.type) {
    case 'structure': {
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const serialized = serializeValue(shapeOf(member.shape), record[name]);
        if (serialized !== undefined) out[member.locationName ?? name] = serialized;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((item) => serializeValue(shapeOf(shape.member!.shape), item)).filter((item) => item !== undefined);
    case 'timestamp':
      return epochSeconds(value);
    default:
      return value;
  }
}

/** ISO-8601 text (as the state store keeps times), a Date, or seconds already. */
export function epochSeconds(value: unknown): number {
  if (typeof value === 'number') return value;
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  return ms / 1000;
}
