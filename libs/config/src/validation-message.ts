/**
 * class-validator reports every failing constraint of a property (`PORT=abc` fails `isInt`, `min`
 * and `max` at once), in the order the decorators were applied (bottom-up). A user needs one
 * message per field, and the most telling one: that the value has the wrong type or form, not that
 * "abc" is greater than 65535. Constraints named here win, in this order; otherwise the first one.
 */
const TYPE_CONSTRAINTS = [
  'whitelistValidation',
  'isDefined',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isDate',
  'isDateString',
  'isIso8601',
  'isArray',
  'isObject',
  'nestedValidation',
  'isUuid',
  'isUrl',
  'isIn',
  'isEnum',
  'matches',
];

/** The one message to show for a property's failed constraints, or undefined when none failed. */
export function oneConstraintMessage(constraints: Record<string, string> | undefined): string | undefined {
  if (!constraints) return undefined;
  const name = TYPE_CONSTRAINTS.find((candidate) => candidate in constraints) ?? Object.keys(constraints)[0];
  return name === undefined ? undefined : constraints[name];
}
