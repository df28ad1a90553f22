export * from './alpha.service';
export * from './alpha.repository';
