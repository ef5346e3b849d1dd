import { onnx } from 'onnx-proto';

/**
 * A tiny ONNX graph builder over onnx-proto: named nodes, float/int64 initializers, one opset. Enough to
 * write models whose weights are designed, not trained (the reference detector), deterministically.
 */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private count = 0;

  /** Adds a node; returns its (single) output name. */
  op(type: string, inputs: string[], attributes: Record<string, number | number[]> = {}): string {
    const output = `${type.toLowerCase()}_${this.count++}`;
    this.nodes.push({
      opType: type,
      name: output,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([name, v]) =>
        Array.isArray(v)
          ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
          : Number.isInteger(v)
            ? { name, type: onnx.AttributeProto.AttributeType.INT, i: v }
            : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v },
      ),
    });
    return output;
  }

  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(values) });
    return name;
  }

  int64s(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values });
    return name;
  }

  /** Serialises the model: `input` and `output` with their element types and shapes (`'N'` = dynamic batch). */
  build(opts: {
    name: string;
    input: { name: string; type: 'float32' | 'uint8'; shape: (number | string)[] };
    output: { name: string; from: string; shape: (number | string)[] };
    opset: number;
  }): Uint8Array {
    const value = (name: string, elemType: number, shape: (number | string)[]): onnx.IValueInfoProto => ({
      name,
      type: { tensorType: { elemType, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
    });
    const F = onnx.TensorProto.DataType.FLOAT;
    const graph: onnx.IGraphProto = {
      name: opts.name,
      node: [...this.nodes, { opType: 'Identity', name: 'output', input: [opts.output.from], output: [opts.output.name] }],
      initializer: this.initializers,
      input: [value(opts.input.name, opts.input.type === 'uint8' ? onnx.TensorProto.DataType.UINT8 : F, opts.input.shape)],
      output: [value(opts.output.name, F, opts.output.shape)],
    };
    return onnx.ModelProto.encode({ irVersion: 7, producerName: 'anvil', opsetImport: [{ domain: '', version: opts.opset }], graph }).finish();
  }
}
