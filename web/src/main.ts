/** The console's entry: global styles and the application element (<hn-app> in index.html). */
import './global.css'
import './app.js'
