export function BackupPage() {
  return <h1>BackupPage</h1>
}
