import { Type, type Static } from 'typebox';
import { LIMITS } from '../constants.ts';
import { Timestamp, Uuid } from './common.ts';

export const AccessToken = Type.Object({ id: Uuid, name: Type.String(), createdAt: Timestamp, lastUsedAt: Type.Union([Timestamp, Type.Null()]) });
export type AccessToken = Static<typeof AccessToken>;
export const AccessTokenList = Type.Object({ tokens: Type.Array(AccessToken) });
export type AccessTokenList = Static<typeof AccessTokenList>;
export const CreateAccessTokenBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: LIMITS.accessTokenNameMax }) }, { additionalProperties: false });
export type CreateAccessTokenBody = Static<typeof CreateAccessTokenBody>;
/** The secret is shown once, at creation; only its SHA-256 is stored. */
export const CreatedAccessToken = Type.Object({ token: Type.String(), accessToken: AccessToken });
export type CreatedAccessToken = Static<typeof CreatedAccessToken>;
export const AccessTokenParams = Type.Object({ id: Uuid });
