// node:test reporter that counts leaf tests and writes one JSON line to its destination at the end.
export default async function* summaryReporter(source) {
  let passed = 0
  let failed = 0
  let skipped = 0
  const failures = []
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue
    const d = event.data
    if (d.details?.type === 'suite') continue
    if (d.skip !== undefined && d.skip !== false) skipped++
    else if (d.todo !== undefined && d.todo !== false) skipped++
    else if (event.type === 'test:pass') passed++
    else {
      failed++
      failures.push(`${d.file ?? ''} :: ${d.name}`)
    }
  }
  yield JSON.stringify({ passed, failed, skipped, failures }) + '\n'
}
