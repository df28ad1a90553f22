/** The transaction-local setting a group's dedupe statement leaves for its apply statements: the marks it wrote (hex, comma-separated). */
export const FRESH_MARKS_SETTING = 'tablecast.fresh_marks';
