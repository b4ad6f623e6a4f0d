// StatefulStore: the construct, its credentials and its storage.
export * from './store';
export * from './credentials';
export * from './storage';
