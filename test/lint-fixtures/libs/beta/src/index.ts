export * from './beta.internal';
