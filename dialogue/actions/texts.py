"""What Viva says when the API does not supply the sentence. Spoken text: short sentences, no
lists or symbols (it goes to a speech synthesiser)."""

READY_FOR_NEXT = "Say next when you're ready."
LOST_TRACK = "Sorry, I lost track of that. Say 'start' to try again."
STILL_ANSWERING = "Sorry, something went wrong there. You can still answer the question."

NO_SESSION = "There's no drill running right now. Say 'start' to begin today's drill."
NO_QUESTION = "There's no question open right now. Say 'start' to begin today's drill."
NO_QUESTION_AFTER_FEEDBACK = (
    "That sounds like an answer, but there's no question open. "
    "Say 'try again' to answer the last one again, or next for a new one."
)
ANSWER_NOT_CHECKED = (
    "Sorry, I couldn't check that answer just now. "
    "Say 'try again' to answer it again, or next to move on."
)
EMPTY_ANSWER = "I didn't catch an answer. Go ahead, or say 'repeat' to hear the question again."

QUESTION_AGAIN = "Here's the question again. {prompt}"
QUESTION_WAS = "The question was: {prompt} " + READY_FOR_NEXT
LOST_THE_THREAD = "Sorry, I lost the thread for a moment. Here's the question again. {prompt}"
GREET_DURING_ANSWER = "Hi! We're in the middle of a question. {prompt}"
QUESTION_NUMBERED = "Question {position} of {total}. {prompt}"
FRESH_ATTEMPT = "Okay, a fresh start. {prompt}"
SKIPPED = "Okay, skipped."
NOTHING_TO_RETRY = "There's no question to try again yet. Say 'start' to begin today's drill."
BACK_TO_QUESTION_AFTER = "{message} Back to the question. {prompt}"
NOTHING_TO_REVEAL = "There's no question to answer yet. Say 'start' to begin today's drill."
MODEL_ANSWER = "Here's a model answer. {answer} " + READY_FOR_NEXT
NO_PROBLEM = "No problem."

HINT_UNAVAILABLE = "Sorry, I couldn't get a hint just now. Have a go anyway."
HINT_NEEDS_QUESTION = (
    "Hints are for an open question. Say next for the next question, "
    "or 'try again' to have another go at the last one."
)

STOPPED = "Okay, we'll stop here. Say 'start' when you want to study again."

GREET_IDLE = "Hi, I'm Viva. {summary} Say 'start' when you're ready."
GREET_OFFER = "Hi, I'm Viva. {summary}"
GREET_IDLE_NO_PLAN = (
    "Hi, I'm Viva. Say 'start' to begin today's drill, or 'help' to hear what you can say."
)
GREET_COMMAND = "Hi again! We're in the middle of a drill. " + READY_FOR_NEXT

DOUBLED_UP = "Okay, we'll double up. {summary} Say 'start' when you're ready."
SINGLE_DAYS = "Okay, we'll keep to one day at a time. Say 'start' when you're ready."
PLAN_UNCHANGED = "Sorry, I couldn't change the plan just now. Say 'start' for today's drill."
PLAN_UNAVAILABLE = "Sorry, I couldn't get today's plan just now."
PROGRESS_UNAVAILABLE = "Sorry, I couldn't get your progress just now."
BACK_TO_QUESTION = "Whenever you're ready, answer the question, or say 'repeat' to hear it again."

HELP_ANSWER = (
    "Just answer out loud. You can also say: repeat, hint, try again, skip, "
    "tell me the answer, slower, faster, pause, or stop."
)
HELP_COMMAND = (
    "Say next for the next question, 'try again' to redo the last one, "
    "'answer' to hear a model answer, 'how am I doing' for your progress, or stop to finish."
)
HELP_IDLE = (
    "Say 'start' for today's drill, 'explain like I'm five' for simple explanations, "
    "'baseline' for the assessment, 'review cards' for your flashcards, "
    "'what's today's topic', or 'how am I doing'."
)

SLOWER = "Okay, I'll speak more slowly."
SLOWEST = "This is as slow as I go."
FASTER = "Okay, I'll speak faster."
FASTEST = "This is as fast as I go."

PAUSE_ANSWER = "Sure, take your time. Answer whenever you're ready."
PAUSE_COMMAND = "Okay, paused. " + READY_FOR_NEXT
PAUSE_IDLE = "Okay. Say 'start' whenever you're ready."

DENY_COMMAND = "Okay. Say next when you're ready, or stop to finish for today."
DENY_IDLE = "Okay. Say 'start' whenever you're ready."

NOTHING_TO_REPEAT = HELP_IDLE
REVEAL_UNAVAILABLE = "Sorry, I couldn't get the model answer just now. " + READY_FOR_NEXT

# ---- Card review ---------------------------------------------------------------------------
CARD_NUMBERED = "Card {position} of {total}. {front}"
CARD_AGAIN = "Here's the card again. {front}"
CARD_SKIPPED = "Okay, skipped."
CARD_LOST = "Sorry, I lost track of the cards. Say 'review cards' to pick up again."
CARD_EMPTY_ANSWER = "I didn't catch an answer. Say it, or say 'show me' to hear the back."
RATE_PLEASE = "Please rate that card: again, hard, good or easy. Or say repeat to hear the answer again."
RATE_NOT_SAVED = "Sorry, I couldn't save that rating. Let's carry on."
NOTHING_TO_RATE = (
    "There's no card to rate right now. Say 'review cards' to start a review, or 'card blitz' for all of them."
)
CARDS_LEFT_NONE = "There's nothing running right now. Say 'review cards' or 'start' to begin."
QUESTIONS_LEFT = "This is question {position} of {total}."
HELP_CARD = (
    "Answer the card out loud, or say show me, skip, repeat, how many left, pause, or stop."
)
HELP_RATING = (
    "Rate the card: again if you missed it, hard, good, or easy. "
    "You can also say repeat, skip, how many left, pause, or stop."
)
PAUSE_RATING = "Okay, paused. Rate the card when you're ready: again, hard, good or easy."
PAUSE_CARD = "Okay, paused. Answer the card when you're ready, or say repeat to hear it again."
BACK_TO_CARD = "Back to the card: say repeat to hear it again."
