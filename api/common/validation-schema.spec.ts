import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { addValidationConstraints, pattern } from './validation-schema';
import { IsDateTime, Optional } from './validation';

class PartDto {
  @IsInt()
  @Min(1)
  @Max(10_000)
  n!: number;
}

class BodyDto {
  static readonly openApiSchema = { minProperties: 1 };

  @IsString()
  @MaxLength(20)
  @Matches(/^[a-z]+$/)
  @Matches(/^(?!x)/)
  name!: string;

  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(['a', 'b'], { each: true })
  tags?: string[];

  @IsDateTime('at must be a date-time')
  at!: string;

  @ValidateNested()
  part!: PartDto;
}

const doc = () => ({
  components: {
    schemas: {
      BodyDto: {
        type: 'object',
        properties: { name: { type: 'string' }, tags: { type: 'array' }, at: { type: 'string' }, part: { $ref: '#/components/schemas/PartDto' } },
      },
      PartDto: { type: 'object', properties: { n: { type: 'number' } } },
      AnswerView: { type: 'object', properties: { n: { type: 'number' } } },
    },
  },
});

describe('addValidationConstraints: the document states what validation refuses', () => {
  it('writes types, bounds, lengths, patterns, enums, sizes, date-time, no extra fields, and a class’s own additions', () => {
    const d = doc();
    addValidationConstraints(d, [BodyDto, PartDto]);
    expect(d.components.schemas.BodyDto).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 20, pattern: '^(?!x)', allOf: [{ pattern: '^[a-z]+$' }] },
        tags: { type: 'array', minItems: 1, maxItems: 3, items: { enum: ['a', 'b'] } },
        at: { type: 'string', format: 'date-time' },
        part: { $ref: '#/components/schemas/PartDto' },
      },
      additionalProperties: false,
      minProperties: 1,
    });
    expect(d.components.schemas.PartDto).toEqual({
      type: 'object',
      properties: { n: { type: 'integer', minimum: 1, maximum: 10_000 } },
      additionalProperties: false,
    });
  });

  it('leaves schemas of classes without validation alone, and finds validated classes by itself', () => {
    const d = doc();
    addValidationConstraints(d);
    expect(d.components.schemas.AnswerView).toEqual(doc().components.schemas.AnswerView);
    expect(d.components.schemas.PartDto).toMatchObject({ additionalProperties: false });
  });
});

describe('pattern: a RegExp as an OpenAPI pattern', () => {
  it('keeps the source of a flagless or u-flagged expression', () => {
    expect(pattern(/^[A-Za-z]+\/[a-z]+$/, undefined, 'x')).toBe('^[A-Za-z]+\\/[a-z]+$');
    expect(pattern(/^a$/u, undefined, 'x')).toBe('^a$');
  });

  it('refuses what a pattern cannot state, naming the field', () => {
    expect(() => pattern(/^a$/i, undefined, 'Dto.field')).toThrow(/Dto\.field: .* flags/);
    expect(() => pattern(/^\P{Cc}*$/u, undefined, 'Dto.field')).toThrow(/Dto\.field: .*\\p/);
  });
});
