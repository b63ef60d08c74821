import { AmberError } from '../../core/errors.js';

export function parseWholeNumber(text: string, option: string): number {
  if (!/^\d+$/.test(text)) throw new AmberError('USAGE', `${option} takes a whole number, not "${text}".`);
  return Number(text);
}
