import { AmberError } from '../core/errors.js';

const ITEM_NAME = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/;

export function validateItemName(item: string): void {
  if (!ITEM_NAME.test(item)) {
    throw new AmberError(
      'INVALID_ARGUMENT',
      `"${item}" is not a valid item name: use 1–128 letters, digits, '.', '_', '@', ':' or '-', starting with a letter or digit.`,
    );
  }
}

export function validateRetainDays(days: number): void {
  if (!Number.isInteger(days) || days < 0 || days > 36_500) {
    throw new AmberError('INVALID_ARGUMENT', `Retention must be a whole number of days from 0 to 36500, not ${days}.`);
  }
}
