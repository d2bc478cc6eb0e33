"""Pure domain rules of the ticket workflow: working time, SLA deadlines, ticket states, duplicates."""
