/** `@tablecast/client/node`: what only Node has (files). Everything else comes from `@tablecast/client`. */
export { FileStore } from './file-store';
