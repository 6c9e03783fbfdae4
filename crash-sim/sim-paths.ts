// Paths in the simulated file system: POSIX-style and absolute; a relative path is taken from '/'.
// Every module that names a simulated file goes through these three functions, so two spellings
// of one path ('/wal//x', '/wal/./x') always name the same entry.

export function normalizePath(path: string): string {
  // The common case, already normal: absolute, no empty, '.' or '..' segments, no trailing '/'.
  if (path.startsWith('/') && !path.includes('//') && !path.includes('/.') && (path.length === 1 || !path.endsWith('/'))) return path;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

/** The directory and the name of a path: '/wal/x' is { dir: '/wal', name: 'x' }, '/x' is { dir: '/', name: 'x' }. */
export function splitPath(path: string): { dir: string; name: string } {
  const normal = normalizePath(path);
  const cut = normal.lastIndexOf('/');
  return { dir: cut <= 0 ? '/' : normal.slice(0, cut), name: normal.slice(cut + 1) };
}

/** The path of `name` in the directory `dir` (the inverse of splitPath). */
export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** The parent of a normal path ('/' is its own parent). */
export function parentOf(path: string): string {
  return splitPath(path).dir;
}
