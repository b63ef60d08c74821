import { Type } from 'typebox';

/** Shared request schemas: names, ids and bounded strings (every object rejects unknown fields). */
export const Name = Type.String({ pattern: '^[a-z][a-z0-9._-]{0,63}$' });
export const ItemName = Type.String({ minLength: 1, maxLength: 128 });
export const Text = (maxLength = 1000) => Type.String({ maxLength });
export const Strict = { additionalProperties: false } as const;

export const VaultParams = Type.Object({ vault: Name }, Strict);
export const VaultItemParams = Type.Object({ vault: Name, item: ItemName }, Strict);
export const VaultRefParams = Type.Object({ vault: Name, ref: Type.String({ minLength: 1, maxLength: 80 }) }, Strict);
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) }, Strict);
export const NameParams = Type.Object({ name: Name }, Strict);
export const Empty = Type.Object({}, Strict);

export const RetentionPolicySchema = Type.Union([
  Type.Object({ kind: Type.Literal('simple'), keepDays: Type.Integer({ minimum: 0, maximum: 36500 }) }, Strict),
  Type.Object(
    {
      kind: Type.Literal('gfs'),
      daily: Type.Integer({ minimum: 0, maximum: 36500 }),
      weekly: Type.Integer({ minimum: 0, maximum: 5200 }),
      monthly: Type.Integer({ minimum: 0, maximum: 1200 }),
      yearly: Type.Integer({ minimum: 0, maximum: 100 }),
    },
    Strict,
  ),
]);
