import { IConstruct } from 'constructs';
import { Profile, ProfileLike } from './profiles';

const profiles = new WeakMap<IConstruct, Profile>();

/** Sets the profile for a construct and everything below it (nearest setting wins). */
export function setProfile(scope: IConstruct, profile: ProfileLike): void {
  profiles.set(scope, Profile.of(profile));
}

/** The profile that applies to a construct: the nearest one set on it or an ancestor. */
export function profileOf(scope: IConstruct | undefined): Profile | undefined {
  if (!scope) return undefined;
  const scopes = scope.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const p = profiles.get(scopes[i]);
    if (p) return p;
  }
  return undefined;
}

/** Whether a profile is set on this very construct (not inherited). */
export function hasOwnProfile(scope: IConstruct): boolean {
  return profiles.has(scope);
}
