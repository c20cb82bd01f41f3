"""Applications (申請) taken in the LINE chat: forms and the conversation engine."""
