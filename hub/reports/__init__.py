"""Analysis and the weekly rhythm (分析督办): Friday progress reports, the Monday report, statistics with charts, the
printable ledger."""
