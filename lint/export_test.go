package lint

// For the tests of package lint_test, which write reports with
// lint/report and so cannot be in package lint.
var (
	Collect    = collect
	RunExample = runExample
	Golden     = golden
	WriteFiles = writeFiles
	Overlays   = overlays
	Web        = web
	Account    = account
)
