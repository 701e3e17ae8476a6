/** The web app's API layer: typed client, endpoints, upload with progress, wire types. */
export {
  ApiError,
  errorMessage,
  http,
  isAbort,
  isApiError,
  request,
  setUnauthorizedHandler,
  type RequestOptions,
} from './client.ts';
export { auth, exports, fetchAll, media, members, projects, queue, tasks, tokens, users } from './endpoints.ts';
export { downloadJson, type DownloadProgress } from './download.ts';
export { uploadFile, type UploadOptions, type UploadProgress } from './upload.ts';
export type * from './types.ts';
