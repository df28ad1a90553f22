export * from './errors/domain.errors';
export * from './errors/problem';
export * from './errors/problem-details.filter';
export * from './errors/validation';
export * from './http/body-parsing';
export * from './pagination';
export * from './public.decorator';
export * from './uuid-param.pipe';
