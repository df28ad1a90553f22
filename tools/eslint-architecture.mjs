/**
 * Architecture rules that are about code, not imports (dependency-cruiser checks the imports):
 * where SQL may run, where transactions open, and who may write records and changes.
 * `test/lint-fixtures/` breaks each on purpose; `test/lint.e2e-spec.ts` shows that lint fails on it.
 */

/** Text of a string or template literal, or null for any other node. */
function literalText(node) {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral') return node.quasis.map((quasi) => quasi.value.cooked ?? '').join(' ');
  return null;
}

function calledMethod(node) {
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return null;
  return callee.property.name;
}

const sqlInRepositories = {
  meta: { type: 'problem', schema: [], messages: { query: 'SQL runs only in *.repository.ts (and the database lib’s own plumbing).' } },
  create(context) {
    return {
      CallExpression(node) {
        if (calledMethod(node) === 'query') context.report({ node, messageId: 'query' });
      },
    };
  },
};

const oneTransactionHelper = {
  meta: { type: 'problem', schema: [], messages: { transaction: 'Open transactions only through TransactionRunner (@tablecast/database).' } },
  create(context) {
    return {
      CallExpression(node) {
        const method = calledMethod(node);
        if (method === 'transaction' || method === 'createQueryRunner') context.report({ node, messageId: 'transaction' });
      },
      'Literal, TemplateLiteral'(node) {
        const text = literalText(node);
        if (text !== null && /^\s*(BEGIN|START\s+TRANSACTION)\b/i.test(text)) context.report({ node, messageId: 'transaction' });
      },
    };
  },
};

const WRITES_RECORDS_OR_CHANGES = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE(\s+TABLE)?)\s+(ONLY\s+)?(records|changes)(_p\d+)?\b/i;

const recordsWrittenByDynamicData = {
  meta: { type: 'problem', schema: [], messages: { write: 'Only dynamic-data writes records and changes: go through its write entry point.' } },
  create(context) {
    return {
      'Literal, TemplateLiteral'(node) {
        const text = literalText(node);
        if (text !== null && WRITES_RECORDS_OR_CHANGES.test(text)) context.report({ node, messageId: 'write' });
      },
    };
  },
};

export const architecture = {
  rules: {
    'sql-in-repositories': sqlInRepositories,
    'one-transaction-helper': oneTransactionHelper,
    'records-written-by-dynamic-data': recordsWrittenByDynamicData,
  },
};
