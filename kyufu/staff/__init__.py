"""The staff web UI: login, applications, payouts, dashboard and exports."""
