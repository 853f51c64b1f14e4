export * from './countries';
export * from './country-rules';
export * from './postal-codes';
export * from './resolve-address';
export * from './latlong';
