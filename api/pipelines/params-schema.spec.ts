import { z } from 'zod/v4';
import { asOpenApi30 } from './params-schema';

describe('asOpenApi30', () => {
  it("writes exclusive bounds in draft 4's boolean form, at any depth", () => {
    const schema = z.toJSONSchema(z.object({ clips: z.array(z.object({ end: z.number().positive(), start: z.number().lt(10) })) }));
    const items = (asOpenApi30(schema) as { properties: { clips: { items: { properties: Record<string, unknown> } } } }).properties.clips.items;
    expect(items.properties['end']).toEqual({ type: 'number', minimum: 0, exclusiveMinimum: true });
    expect(items.properties['start']).toEqual({ type: 'number', maximum: 10, exclusiveMaximum: true });
  });

  it('leaves inclusive bounds and everything else as they are', () => {
    const schema = { type: 'integer', minimum: 1, maximum: 5, enum: [1, 2], exclusiveMinimum: true };
    expect(asOpenApi30(schema)).toEqual(schema);
  });
});
